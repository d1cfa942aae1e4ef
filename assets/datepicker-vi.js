/* Vietnamese for Dash's date picker (dcc.DatePickerRange, dashboard/components.py).
   Dash 4's picker formats its months and weekdays with date-fns, in the locale it finds in
   window.dateFns.locale (matched against the browser's languages, else the first one). A
   screen in Vietnamese (the frame's lang="vi") gets this locale: "Tháng 12", weekdays
   T2 … CN; a screen in English gets none, which is date-fns' English. Only what the
   picker formats is defined here; its dates are typed and parsed as numbers (DD/MM/YYYY). */
(function () {
  "use strict";
  var MONTHS = ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7", "Tháng 8",
                "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"];
  var MONTHS_SHORT = ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"];
  var DAYS = ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"];
  var DAYS_SHORT = ["CN", "T2", "T3", "T4", "T5", "T6", "T7"];

  function pick(values) {
    return function (index, options) {
      var width = (options && options.width) || "wide";
      return values[width] ? values[width][Number(index)] : values.wide[Number(index)];
    };
  }
  function fixed(text) { return function () { return text; }; }
  function nothing() { return null; }

  var vi = {
    code: "vi",
    formatDistance: function (token, count) { return String(count); },
    formatRelative: function () { return "dd/MM/yyyy"; },
    localize: {
      ordinalNumber: function (number) { return String(number); },
      era: pick({narrow: ["TCN", "SCN"], abbreviated: ["TCN", "SCN"], wide: ["Trước Công nguyên", "Sau Công nguyên"]}),
      quarter: pick({narrow: ["1", "2", "3", "4"], abbreviated: ["Q1", "Q2", "Q3", "Q4"],
                     wide: ["Quý 1", "Quý 2", "Quý 3", "Quý 4"]}),
      month: pick({narrow: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
                   abbreviated: MONTHS_SHORT, wide: MONTHS}),
      day: pick({narrow: DAYS_SHORT, short: DAYS_SHORT, abbreviated: DAYS_SHORT, wide: DAYS}),
      dayPeriod: function (period) { return /^p/.test(period) ? "CH" : "SA"; }
    },
    formatLong: {date: fixed("dd/MM/yyyy"), time: fixed("HH:mm:ss"), dateTime: fixed("{{date}} {{time}}")},
    match: {ordinalNumber: nothing, era: nothing, quarter: nothing, month: nothing, day: nothing, dayPeriod: nothing},
    options: {weekStartsOn: 1, firstWeekContainsDate: 4}
  };

  function language() {
    var frame = document.querySelector(".app[lang]");
    return frame ? frame.getAttribute("lang") : document.documentElement.getAttribute("lang");
  }

  var holder = window.dateFns || {};
  Object.defineProperty(holder, "locale", {
    configurable: true,
    get: function () { return language() === "en" ? {} : {vi: vi}; }
  });
  window.dateFns = holder;
})();
