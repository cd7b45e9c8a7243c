-- Metrics the Hub sent but that are not numbers, or too large for a count (1e20): they are
-- null downstream, not 0.
{{ config(severity='warn') }}

with

models as (

    -- The newest batch of the history: rows are appended once and never change, so older
    -- batches were checked when they were appended, and the test does not grow with history.
    select * from {{ ref('model_observation_history') }}
    where {{ newest_batch(ref('model_observation_history')) }}

),

final as (

    select model_id, snapshot_id from models
    where
        (has_downloads and downloads is null)
        or (has_likes and likes is null)
        or (has_trending_score and trending_score is null)

)

select * from final
