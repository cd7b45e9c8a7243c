with

snapshots as (

    select * from {{ ref('snapshots') }}

),

category_trends as (

    select * from {{ ref('category_trends') }}

),

modality_legend as (

    select * from {{ ref('modality_legend') }}

),

-- Change in use is compared between whole catalogues only: a trending sample's sum of
-- downloads per day moves with who is in the sample, not with use.
full_snapshots as (

    select snapshot_id, is_archive from snapshots
    where is_full_catalogue

),

-- A category missing from `categories` (seen only in an older observation) has no modality
-- there; it is a tag the taxonomy does not place, which `categories` calls `unknown`.
per_modality as (

    select
        category_trends.snapshot_id,
        any_value(category_trends.snapshot_at) as snapshot_at,
        coalesce(any_value(full_snapshots.is_archive), false) as is_archive,
        coalesce(category_trends.modality, 'unknown') as modality,
        count(*) as category_count,
        sum(category_trends.model_count)::bigint as model_count,
        sum(category_trends.downloads_per_day) as downloads_per_day,
    from category_trends
    inner join full_snapshots on category_trends.snapshot_id = full_snapshots.snapshot_id
    group by category_trends.snapshot_id, coalesce(category_trends.modality, 'unknown')

),

-- A snapshot without all-time counts (or the first one, with nothing to compare against) has
-- no downloads per day: it is left out rather than drawn as zero.
measured as (

    select * from per_modality
    where downloads_per_day is not null

),

final as (

    select
        measured.snapshot_id,
        measured.snapshot_at,
        measured.is_archive,
        measured.modality,
        modality_legend.modality_label,
        modality_legend.display_order,
        measured.category_count,
        measured.model_count,
        measured.downloads_per_day,
        (
            measured.downloads_per_day
            / nullif(sum(measured.downloads_per_day) over (partition by measured.snapshot_id), 0)
        )::double as share_of_downloads_per_day,
    from measured
    left join modality_legend
        on measured.modality is not distinct from modality_legend.modality

)

select * from final
