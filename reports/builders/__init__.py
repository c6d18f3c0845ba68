"""What the report kinds share: reading their parameters, writing tables (CSV, XLSX) and
rendering PDFs. Each kind (reports/kinds/) decides what goes in."""
