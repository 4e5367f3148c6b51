/** Worker script for workerpool: registers the shared benchmark tasks by name. */
import workerpool from 'workerpool';
import { inc, spin, busyFor } from '../tasks.js';

workerpool.worker({ inc, spin, busyFor });
