-- Question: how has one model's popularity changed from snapshot to snapshot?
-- Name the model in the shell, then read this file (no edit needed):
--     set variable model_id = 'black-forest-labs/FLUX.2-dev';
--     .read analyses/model_history.sql
-- Without the variable it shows the most downloaded model. Each row is one snapshot that saw the
-- model; a gap between dates means the model was not in the snapshots taken in between (e.g. it
-- stopped trending).
select
    model_snapshots.model_id,
    model_snapshots.snapshot_at,
    model_snapshots.downloads,
    model_snapshots.likes,
    model_snapshots.trending_score,
    snapshots.sample_description,
from marts.model_snapshots
inner join marts.snapshots on model_snapshots.snapshot_id = snapshots.snapshot_id
where
    model_snapshots.model_id = coalesce(
        getvariable('model_id'),
        (
            select top_models.model_id from marts.top_models
            where top_models.downloads_rank = 1
        )
    )
order by model_snapshots.snapshot_at
