// Splits, views and support sets on the hand-made store of SplitTestStore
// (30 rows, 3 a day over days 100–109, clicks on even rows).
import CVRData
import Testing

@Suite struct SplitTests {
  @Test func splitCountsInBothSpaces() throws {
    let splits = try SplitTestStore.splits()
    // train days 100–106 = rows 0–20; recent 104–106 = rows 12–20; valid 107–109 = rows 21–29.
    #expect(splits.rows(.train, space: .exposure) == Array(0...20))
    #expect(splits.rows(.recent, space: .exposure) == Array(12...20))
    #expect(splits.rows(.valid, space: .exposure) == Array(21...29))
    // Click space: the even rows only (11 in 0–20, 5 in 12–20, 4 in 21–29).
    #expect(splits.rows(.train, space: .click) == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
    #expect(splits.rows(.recent, space: .click) == [12, 14, 16, 18, 20])
    #expect(splits.rows(.valid, space: .click) == [22, 24, 26, 28])
    for split in Split.allCases {
      #expect(splits.rows(split, space: .click).allSatisfy { $0 % 2 == 0 }, "unclicked row in the click space of \(split)")
    }
    #expect(splits.days(.recent) == [104, 105, 106])
  }

  @Test func clickSpaceIsEveryRowWithoutAClickColumn() throws {
    let splits = try SplitTestStore.splits(SplitTestStore.make(withClicks: false))
    #expect(splits.rows(.train, space: .click) == Array(0...20))
    #expect(splits.rows(.valid, space: .click) == splits.rows(.valid, space: .exposure))
  }

  @Test func occasionAndDayViews() throws {
    let splits = try SplitTestStore.splits()
    // Occasion 1 is days 104–105 = rows 12–17; occasion 2 in valid = days 107–109, clicked: 22, 24, 26, 28.
    #expect(splits.rows(.train, space: .exposure, occasion: 1) == Array(12...17))
    #expect(splits.rows(.train, space: .click, occasion: 0) == [0, 2, 4, 6, 8, 10])
    #expect(splits.rows(.valid, space: .click, occasion: 2) == [22, 24, 26, 28])
    #expect(splits.rows(.train, space: .exposure, day: 105) == [15, 16, 17])
    #expect(splits.rows(.train, space: .exposure, day: 108) == [])  // day 108 is a valid day
    let byOccasion = splits.rowsByOccasion(.recent, space: .click)
    #expect(byOccasion[1] == [12, 14, 16] && byOccasion[2] == [18, 20] && byOccasion[0] == nil)
    let byDay = splits.rowsByDay(.valid, space: .exposure)
    #expect(byDay.keys.sorted() == [107, 108, 109] && byDay[108] == [24, 25, 26])
  }

  @Test func supportSetsOnTheFirstRecentDayOrAChosenOne() throws {
    let splits = try SplitTestStore.splits()
    // Occasion 1, first recent day 104 (rows 12–14): clicked 12 (buy) and 14; row 13 bought without a click.
    let dp = try splits.supportSet(occasion: 1)
    #expect(dp.positives == [12] && dp.negatives == [14])
    // Occasion 2 in D_r is day 106 only (rows 18–20): clicked 18 and 20 (buy).
    let ap = try splits.supportSet(occasion: 2)
    #expect(ap.positives == [20] && ap.negatives == [18])
    #expect(try splits.supportSet(occasion: 2, day: 106).positives == [20])
    #expect(splits.firstRecentDay(occasion: 1) == 104 && splits.firstRecentDay(occasion: 0) == nil)
  }

  @Test func supportSetErrorsNameTheProblem() throws {
    let splits = try SplitTestStore.splits()
    func problem(_ body: () throws -> Any) -> String {
      do { _ = try body(); return "no error" } catch { return "\(error)" }
    }
    // Occasion 0 lives on days 100–103, before D_r.
    #expect(problem { try splits.supportSet(occasion: 0) }.contains("BP (0) has no clicked row"))
    // Day 105 of occasion 1: the only clicked row (16) did not buy.
    #expect(problem { try splits.supportSet(occasion: 1, day: 105) }.contains("no purchase"))
    #expect(problem { try splits.supportSet(occasion: 1, day: 107) }.contains("outside the recent range"))
  }

  @Test func badRangesAndMissingDaysAreRefused() {
    let store = SplitTestStore.make()
    func problem(_ train: DayRange, _ recent: DayRange, _ valid: DayRange, _ s: ColumnStore = SplitTestStore.make()) -> String {
      do { _ = try DataSplits(store: s, train: train, recent: recent, valid: valid); return "no error" } catch {
        return "\(error)"
      }
    }
    #expect(problem(.init(106, 100), .init(104, 106), .init(107, 109)).contains("train range 106...100 is empty or inverted"))
    #expect(problem(.init(100, 106), .init(104, 108), .init(107, 109)).contains("must lie inside the train range"))
    #expect(problem(.init(100, 106), .init(104, 106), .init(106, 109)).contains("overlaps"))
    #expect(problem(.init(100, 106), .init(104, 106), .init(107, 109), SplitTestStore.make(withDays: false))
      .contains("no day column"))
    #expect(problem(.init(100, 106), .init(104, 106), .init(107, 109), store) == "no error")
  }

  @Test func datesBecomeDaysSinceTheEpoch() {
    #expect(DayRange.day("1970-01-01") == 0)
    #expect(DayRange.day("2000-03-01") == 11_017)
    #expect(DayRange.day("2023-01-15") == 19_372)
    #expect(DayRange.day("2024-02-29") != nil && DayRange.day("2023-02-29") == nil && DayRange.day("2023-1-5") == nil)
    // MetaCVR: D = 01/15–03/15 (60 days in 2023), D_r = 03/01–03/15 inside it, D_v = 03/16–03/31 after it.
    let d = DayRange(from: "2023-01-15", to: "2023-03-15")!, dr = DayRange(from: "2023-03-01", to: "2023-03-15")!
    let dv = DayRange(from: "2023-03-16", to: "2023-03-31")!
    #expect(d.dayCount == 60 && d.contains(dr) && !d.overlaps(dv) && dv.lower == d.upper + 1)
  }
}
