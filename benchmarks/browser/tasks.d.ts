/** Types of tasks.js (served as-is to the page and its workers). */
export declare function spin(iterations: number): number;
export declare function inc(x: number): number;
