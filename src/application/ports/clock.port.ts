/** The only source of time: the domain gets time through commands built with this. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
