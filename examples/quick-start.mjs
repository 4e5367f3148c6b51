import { range } from 'rxjs';
import { parallelMap } from 'rxjs-futures';

// Each n is squared on a worker thread; the output is in input order, as with map().
range(1, 10)
  .pipe(parallelMap((n) => n * n))
  .subscribe((square) => console.log(square));
