/** Time is passed in, so jobs and tests can run at any moment they choose. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
