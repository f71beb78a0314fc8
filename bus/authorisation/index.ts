/**
 * Authorisation in the RPP model: the ordered checks of a call's context against the registry, the
 * legal engine that says which data items an agenda and role may read and on what basis, and the
 * calendar day (Prague time) on which an authorisation's validity is judged.
 */
export { type AuthorisationEngine, type AuthorisationRequest, authoriseCall, type CallDecision, requireSomeItem } from './checks.ts';
export { createLegalEngine, explainAuthorisations, type Explanation, isValidOn } from './engine.ts';
export { pragueDay } from './prague-day.ts';
export { canSee, hasAccess } from './access.ts';
