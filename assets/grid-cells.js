/* Cell renderers of dash-ag-grid (columnDefs "cellRenderer"): a dossier's code as a link to
   its page in the one-stop system (the row's record_url, from config/sources.toml). */
window.dashAgGridComponentFunctions = Object.assign({}, window.dashAgGridComponentFunctions, {
  RecordLink: function (props) {
    const url = props.data && props.data.record_url;
    if (!url || !/^https?:\/\//.test(url)) { return props.value; }
    return React.createElement("a", {href: url, target: "_blank", rel: "noopener noreferrer",
                                     title: url}, props.value);
  }
});
