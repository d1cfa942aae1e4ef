"""The weekly brief (báo cáo tuần): content from the metric registry, written as DOCX and PDF."""
