// The four CVR-space AUCs on a hand-built case, each by hand, and the name of
// the entire-space definition used.
import CVRMetrics
import Testing

@Suite struct CVRSpacesTests {
  // Six exposures; rows 0–3 clicked, rows 0 and 2 converted. Row 5 has a
  // conversion flag without a click (a logging artefact): it must not count.
  let click = [true, true, true, true, false, false]
  let conversion = [true, false, true, false, false, true]
  let pCTR = [0.9, 0.8, 0.3, 0.6, 0.2, 0.7]
  let pCVR = [0.5, 0.4, 0.2, 0.1, 0.6, 0.3]

  @Test func eachSpaceByHand() throws {
    let r = CVRSpaces.evaluate(click: click, conversion: conversion, pCTR: pCTR, pCVR: pCVR)
    // CTR: positives 0.9 0.8 0.3 0.6 vs negatives 0.2 0.7 → wins 2+2+1+1 = 6 of 8.
    #expect(r.ctr.rows == 6 && r.ctr.positives == 4 && r.ctr.auc == 6.0 / 8)
    // CVR over clicks: positives 0.5 0.2 vs negatives 0.4 0.1 → wins 2 + 1 = 3 of 4.
    #expect(r.cvrClicked.rows == 4 && r.cvrClicked.positives == 2 && r.cvrClicked.auc == 3.0 / 4)
    // Entire space, unclicked as negative: positives 0.5 0.2 vs 0.4 0.1 0.6 0.3 →
    // 0.5 beats 3, 0.2 beats 1 → 4 of 8.
    #expect(r.entireSpaceLabel == .unclickedAsNegative)
    #expect(r.cvrEntire.rows == 6 && r.cvrEntire.positives == 2 && r.cvrEntire.auc == 4.0 / 8)
    #expect(r.cvrEntire.space.contains("unclicked-as-negative"))
    // CTCVR: pCTR·pCVR = .45 .32 .06 .06 .12 .21; positives .45 .06 vs .32 .06 .12 .21
    // → .45 beats 4, .06 ties one .06 (½) → 4.5 of 8.
    #expect(r.ctcvr.rows == 6 && r.ctcvr.positives == 2 && r.ctcvr.auc == 4.5 / 8)
    #expect(r.all.map(\.space) == [
      "CTR AUC over exposures", "CVR AUC over clicks", "CVR AUC over exposures (unclicked-as-negative)",
      "CTCVR AUC over exposures",
    ])
  }

  @Test func potentialConversionWhenGiven() throws {
    // Truth: row 4 (unclicked, pCVR 0.6) would have converted.
    let potential = [true, false, true, false, true, false]
    let r = CVRSpaces.evaluate(
      click: click, conversion: conversion, pCTR: pCTR, pCVR: pCVR, potentialConversion: potential)
    #expect(r.entireSpaceLabel == .potentialConversion)
    #expect(r.cvrEntire.space == "CVR AUC over exposures (potential-conversion)")
    // Positives 0.5 0.2 0.6 vs 0.4 0.1 0.3 → 3 + 1 + 3 = 7 of 9.
    #expect(r.cvrEntire.positives == 3 && r.cvrEntire.auc == 7.0 / 9)
    // The click-space AUC does not change with the truth.
    #expect(r.cvrClicked.auc == 3.0 / 4)
  }

  @Test func noClicksLeavesTheClickSpaceUndefined() {
    let r = CVRSpaces.evaluate(
      click: [false, false], conversion: [false, false], pCTR: [0.1, 0.2], pCVR: [0.3, 0.4])
    #expect(r.cvrClicked.rows == 0 && r.cvrClicked.auc == nil && r.ctr.auc == nil)
  }
}
