with

snapshots as (

    select * from {{ ref('snapshots') }}

),

models as (

    select * from {{ ref('models') }}

),

modality_legend as (

    select * from {{ ref('modality_legend') }}

),

-- Only a full-catalogue newest snapshot is the Hub; a trending sample leaves this mart empty.
catalogue as (

    select snapshot_id, snapshot_at from snapshots
    where is_newest and is_full_catalogue

),

-- The catalogue's models are those whose newest snapshot it is (as in catalogue_modality_use).
-- The Hub's placeholder date is an import, not a release, and it hides every pre-2022 release,
-- so the trend starts in 2022 with real dates only.
released as (

    select
        catalogue.snapshot_id,
        catalogue.snapshot_at,
        date_trunc('month', models.created_at)::date as release_month,
        models.modality,
    from models
    inner join catalogue on models.last_snapshot_id = catalogue.snapshot_id
    where
        models.created_at >= '2022-01-01'
        and not models.is_created_at_placeholder

),

per_month as (

    select
        snapshot_id,
        any_value(snapshot_at) as snapshot_at,
        release_month,
        modality,
        count(*) as model_count,
    from released
    group by snapshot_id, release_month, modality

),

final as (

    select
        per_month.snapshot_id,
        per_month.snapshot_at,
        per_month.release_month,
        per_month.modality,
        modality_legend.modality_label,
        modality_legend.display_order,
        per_month.model_count,
        sum(per_month.model_count) over (partition by per_month.release_month)::bigint
            as month_model_count,
        (
            per_month.model_count
            / sum(per_month.model_count) over (partition by per_month.release_month)
        )::double as share_of_month,
        -- The capture's own month is counted only up to the capture: its bar is not a slump.
        per_month.release_month = date_trunc('month', per_month.snapshot_at)::date
            as is_partial_month,
    from per_month
    left join modality_legend
        on per_month.modality is not distinct from modality_legend.modality

)

select * from final
