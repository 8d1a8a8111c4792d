// The schema DDFWorld writes next to its data: the columns, their roles and
// groups (MetaCVR's user / item / interaction / context blocks), and the calendar.
import CVRData

extension DDFWorld {
  /// The schema of `data.csv` for `config` (occasions come from `calendar.csv`).
  static func schema(_ config: Config) -> DataSchema {
    let L = config.sequenceLength
    let columns: [ColumnSpec] = [
      .make("day", .day),
      .make("hour", .sparse, vocab: 24, dim: 4, group: .context),
      .make("weekday", .sparse, vocab: 7, dim: 4, group: .context),
      .make("position", .sparse, vocab: config.positions, dim: 4, group: .context),
      .make("user_id", .sparse, vocab: config.users, dim: 16, group: .user),
      .make("user_age", .sparse, vocab: 6, dim: 4, group: .user),
      .make("user_gender", .sparse, vocab: 3, dim: 2, group: .user),
      .make("user_city_level", .sparse, vocab: 5, dim: 4, group: .user),
      .make("user_clicks", .dense, group: .user, normalize: .log),
      .make("user_purchases", .dense, group: .user, normalize: .log),
      .make("user_price_level", .dense, group: .user, normalize: .standard),
      .make("item_id", .sparse, vocab: config.items, dim: 16, table: "item", group: .item),
      .make("item_category", .sparse, vocab: config.categories, dim: 8, table: "category", group: .item),
      .make("item_brand", .sparse, vocab: config.brands, dim: 8, table: "brand", group: .item),
      .make("item_price", .dense, group: .item, normalize: .log),
      .make("item_discount", .dense, group: .item, normalize: ColumnSpec.Normalization.none),
      .make("item_clicks_1d", .dense, group: .item, normalize: .log),
      .make("user_cat_share", .dense, group: .interaction, normalize: ColumnSpec.Normalization.none),
      .make("user_brand_share", .dense, group: .interaction, normalize: ColumnSpec.Normalization.none),
      .make("hist_items", .sequence, vocab: config.items, dim: 16, table: "item", group: .user, maxLength: L),
      .make(
        "hist_cats", .sequence, vocab: config.categories, dim: 8, table: "category", group: .user, maxLength: L,
        alignWith: "hist_items"),
      .make(
        "hist_brands", .sequence, vocab: config.brands, dim: 8, table: "brand", group: .user, maxLength: L,
        alignWith: "hist_items"),
      .make("click", .click),
      .make("cart", .action),
      .make("buy", .conversion),
      .make("delay_hours", .delay),
      .make("true_ctr", .truth, truth: .ctr),
      .make("true_cvr", .truth, truth: .cvr),
      .make("potential_buy", .truth, truth: .potentialConversion),
      .make("true_delay_hours", .ignore),
    ]
    return DataSchema(delimiter: ",", header: true, columns: columns, calendar: "calendar.csv", occasions: occasionNames)
  }

  static func schemaComment(_ config: Config, seed: UInt64) -> [String] {
    let f = config.fluctuation
    let fluctuation = f == .off ? [] : [
      "Fluctuation: random promotion dates \(f.randomDates), promotion variety \(f.promotionVariety), abrupt shift on day "
        + "\(f.shiftDay.map(String.init) ?? "none"), labels of earlier clicks censored at day \(f.censorDay.map(String.init) ?? "none").",
    ]
    return fluctuation + [
      "DDFWorld (MetaCVR data distribution fluctuation), seed \(seed): \(config.days) days x \(config.exposuresPerDay) exposures,",
      "\(config.promotions) promotions (BP \(config.beforeDays) / DP \(config.duringDays) / AP \(config.afterDays) days), occasions in calendar.csv.",
      "buy: conversion observed by the end of the log; potential_buy: the eventual one (also for unclicked rows).",
      "delay_hours: click-to-purchase hours when buy = 1, hours observed so far when clicked and buy = 0, else 0.",
      "See docs/data-simulators.md.",
    ]
  }
}
