-- Question: do derivatives keep their base model's licence family?
-- One row per parent and child licence family that some edge connects (edges whose base is in
-- the sample); is_same_family is false where the licence family changes along the edge.
select
    parent_license_family,
    child_license_family,
    edge_count,
    is_same_family,
    round(share_of_parent_edges * 100, 1) as pct_of_parent_edges,
from marts.license_drift
where edge_count > 0
order by edge_count desc
