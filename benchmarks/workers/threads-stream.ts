/** Worker for the streaming benchmark's threads.js peer: an Observable of n small values, threads.js's own streaming. */
import { Observable } from 'threads/observable';
import { expose } from 'threads/worker';

expose({
  count(n: number) {
    return new Observable<number>((observer) => {
      for (let i = 0; i < n; i++) observer.next(i);
      observer.complete();
    });
  },
});
