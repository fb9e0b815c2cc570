// Answers of the learning check as xAPI statements (written by the next step of this change).
export function xapiReporter() {
  return null;
}
