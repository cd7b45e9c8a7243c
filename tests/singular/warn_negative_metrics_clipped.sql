-- Observations where clipping at 0 changed a value: the Hub served a negative count. The
-- marts show 0 (as the seed did); this warning keeps the anomaly from vanishing silently.
{{ config(severity='warn') }}

with

clipped as (

    -- The newest batch of the history: older batches were checked when they were appended.
    select * from {{ ref('model_observation_history') }}
    where {{ newest_batch(ref('model_observation_history')) }}

),

final as (

    select model_id, snapshot_id from clipped
    where is_clipped

)

select * from final
