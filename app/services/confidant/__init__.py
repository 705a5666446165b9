"""The confidant's work: cases and contacts (cases), the register's views (queries), the
quarter's figures (aggregation), the signed quarterly file (exporting), the quarter overview
for the PDF, CSV import and the memo guard."""
