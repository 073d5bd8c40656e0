// Functions the artillery scenario names (artillery loads this with require, hence .cjs).

/** Keep polling GET /api/bookings/{id} while the request is QUEUED, at most 10 times per user. */
function stillQueued(context, next) {
  context.vars.polls = (context.vars.polls || 0) + 1;
  return next(context.vars.status === 'QUEUED' && context.vars.polls < 10);
}

module.exports = { stillQueued };
