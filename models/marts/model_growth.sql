with

model_snapshots as (

    select * from {{ ref('model_snapshots') }}

),

snapshots as (

    select * from {{ ref('snapshots') }}

),

models as (

    select * from {{ ref('models') }}

),

-- An `--expand` crawl carries only the fields it asked for; comparing its nulls with a full
-- snapshot would invent changes, so growth is measured between full observations only.
full_observations as (

    select model_snapshots.*
    from model_snapshots
    inner join snapshots on model_snapshots.snapshot_id = snapshots.snapshot_id
    where not snapshots.has_expanded_fields

),

with_previous as (

    select
        model_id,
        snapshot_id,
        snapshot_at,
        downloads,
        likes,
        lag(snapshot_id) over by_model as previous_snapshot_id,
        lag(snapshot_at) over by_model as previous_snapshot_at,
        lag(downloads) over by_model as previous_downloads,
        lag(likes) over by_model as previous_likes,
    from full_observations
    window by_model as (partition by model_id order by snapshot_at, snapshot_id)

),

changes as (

    select
        model_id,
        snapshot_id,
        snapshot_at,
        previous_snapshot_id,
        previous_snapshot_at,
        date_diff('second', previous_snapshot_at, snapshot_at) / 86400.0 as days_between,
        likes - previous_likes as likes_change,
        downloads - previous_downloads as downloads_change,
    from with_previous
    where previous_snapshot_id is not null

),

final as (

    select
        changes.model_id,
        models.category,
        models.modality,
        changes.snapshot_id,
        changes.snapshot_at,
        changes.previous_snapshot_id,
        changes.previous_snapshot_at,
        changes.days_between,
        changes.likes_change,
        changes.downloads_change,
        -- Two snapshots taken at the same instant have no rate.
        case when changes.days_between > 0 then changes.likes_change / changes.days_between end
            as likes_per_day,
        case
            when changes.days_between > 0 then changes.downloads_change / changes.days_between
        end as downloads_per_day,
    from changes
    inner join models on changes.model_id = models.model_id

)

select * from final
