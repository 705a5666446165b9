"""The coordinator's work: enrolled senders (roster), importing quarterly files, merging them
(merging), forwarding the component summary, and the figures of the printed reports."""
