// OOPT of calcout and longout: which passes write the output, judged on VAL against PVAL (the
// value of the previous pass). The choices are in the same order in calcoutOOPT and longoutOOPT.

const EVERY_TIME = 0;
const ON_CHANGE = 1;
const WHEN_ZERO = 2;
const WHEN_NON_ZERO = 3;
const TRANSITION_TO_ZERO = 4;
const TRANSITION_TO_NON_ZERO = 5;

/** Whether OOPT `option` writes now; On Change counts a change beyond `deadband` (calcout's MDEL, longout's 0). */
export function outputWanted(option: number, value: number, previous: number, deadband: number): boolean {
  switch (option) {
    case EVERY_TIME:
      return true;
    case ON_CHANGE:
      return !(Math.abs(previous - value) <= deadband);
    case WHEN_ZERO:
      return value === 0;
    case WHEN_NON_ZERO:
      return value !== 0;
    case TRANSITION_TO_ZERO:
      return previous !== 0 && value === 0;
    case TRANSITION_TO_NON_ZERO:
      return previous === 0 && value !== 0;
    default:
      return false;
  }
}
