with

catalogue_models as (

    select * from {{ ref('catalogue_models') }}

),

modality_legend as (

    select * from {{ ref('modality_legend') }}

),

-- The Hub's placeholder date is an import, not a release, and it hides every pre-2022 release,
-- so the trend starts in 2022 with real dates only.
released as (

    select
        snapshot_id,
        snapshot_at,
        date_trunc('month', created_at)::date as release_month,
        modality,
    from catalogue_models
    where
        created_at >= '2022-01-01'
        and not is_created_at_placeholder

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
