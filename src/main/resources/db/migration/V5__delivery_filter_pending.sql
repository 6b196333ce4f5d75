-- A delivery whose subscription's filter did not answer while its webhook waited (slow, over its
-- share of the event's filter time, or failing): the delivery runs the filter itself before its
-- first attempt, and is then sent, settled as FILTERED, or held with the reason.
ALTER TABLE tributary_delivery ADD COLUMN filter_pending BOOLEAN DEFAULT FALSE NOT NULL;
