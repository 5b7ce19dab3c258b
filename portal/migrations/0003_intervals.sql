-- The 95 % bootstrap interval of each finished pilot's composite, so the
-- scoreboard can mark statistical ties without parsing scorecards.
ALTER TABLE pilots ADD COLUMN composite_low DOUBLE PRECISION;
ALTER TABLE pilots ADD COLUMN composite_high DOUBLE PRECISION;
