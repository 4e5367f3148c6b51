// The temporary package probe.ts imports (written by harness-self.spec.ts, not installed).
declare module 'harness-probe-pkg' {
  export const where: string;
}
