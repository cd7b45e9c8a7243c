-- Observations where clipping at 0 changed a value: the Hub served a negative count. The
-- marts show 0 (as the seed did); this warning keeps the anomaly from vanishing silently.
{{ config(severity='warn') }}

with

clipped as (

    -- The newest batch of the history: older batches were checked when they were appended.
    select * from {{ ref('int_model_snapshots_clipped') }}
    where {{ newest_batch(ref('int_model_snapshots_clipped')) }}

),

final as (

    select model_id, snapshot_id from clipped
    where is_clipped

)

select * from final
