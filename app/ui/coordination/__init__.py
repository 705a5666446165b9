"""The coordination workspace (CVP/ACVP and the central compiler): roster, import, who
reported, merged tables, forwarding and reports. Widgets only; the work is in app.services."""
