/** Worker for the threads.js `Pool` contender: exposes the shared benchmark tasks. */
import { expose } from 'threads/worker';
import { inc, spin, busyFor } from '../tasks.js';

expose({ inc, spin, busyFor });
