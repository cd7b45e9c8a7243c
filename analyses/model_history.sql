-- Question: how has one model's popularity changed from snapshot to snapshot?
-- Change the model id below. Each row is one snapshot that saw the model; a gap between dates
-- means the model was not in the snapshots taken in between (e.g. it stopped trending).
select
    model_snapshots.snapshot_at,
    model_snapshots.downloads,
    model_snapshots.likes,
    model_snapshots.trending_score,
    snapshots.sample_description,
from marts.model_snapshots
inner join marts.snapshots on model_snapshots.snapshot_id = snapshots.snapshot_id
where model_snapshots.model_id = 'black-forest-labs/FLUX.2-dev'
order by model_snapshots.snapshot_at
