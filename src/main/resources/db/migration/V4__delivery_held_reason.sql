-- Why a delivery is held when its subscription is not paused: its filter failed, went over its
-- budget, or was not run (the event's filter time was spent). The delivery is kept, not dropped;
-- resuming the subscription sends it. NULL for every other delivery.
ALTER TABLE tributary_delivery ADD COLUMN held_reason VARCHAR(512);
