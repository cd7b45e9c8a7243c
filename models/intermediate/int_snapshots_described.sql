-- Each complete snapshot and what it sampled: the `snapshots` mart without the build's time, so
-- that the newest observation (int_models_deduplicated) can tell full observations apart
-- without reading a mart.
with

snapshots as (

    select * from {{ ref('stg_hf__snapshots') }}
    where is_complete

),

required_fields as (

    select field from {{ ref('hub_fields') }}
    where is_required

),

-- With `expand` the Hub serves only the fields asked for, and an archive file has only its
-- columns, so a snapshot lacking a field the marts need is not a full observation of its
-- models (no expand: the full listing).
partial_snapshots as (

    select distinct snapshots.snapshot_id
    from snapshots
    cross join required_fields
    where
        snapshots.served_fields is not null
        and not list_contains(
            from_json(snapshots.served_fields, '["VARCHAR"]'), required_fields.field
        )

),

-- Says what each snapshot sampled, so every chart can caption its population honestly: the
-- seed's single request is the 1000 models trending that day, not the Hub.
described as (

    select
        snapshots.*,
        partial_snapshots.snapshot_id is null as is_full_observation,
        case
            when snapshots.is_archive then coalesce(snapshots.is_archive_full_catalogue, true)
            else
                snapshots.is_paginated and snapshots.model_limit is null
                and not snapshots.has_hub_filter
        end as is_full_catalogue,
        case snapshots.sort_key
            when 'downloads' then 'most downloaded'
            when 'likes' then 'most liked'
            when 'createdAt' then 'newest'
            when 'lastModified' then 'most recently updated'
            else 'trending'
        end as sort_label,
    from snapshots
    left join partial_snapshots on snapshots.snapshot_id = partial_snapshots.snapshot_id

),

final as (

    select
        snapshot_id,
        snapshot_at,
        source_kind,
        coalesce(is_archive, false) as is_archive,
        source,
        sort_key,
        hub_filters::varchar as hub_filters,
        is_paginated,
        model_limit,
        coalesce(is_full_catalogue, false) as is_full_catalogue,
        expanded_fields is not null as has_expanded_fields,
        is_full_observation,
        model_count,
        duplicate_count,
        rejected_count,
        case
            when is_archive and is_full_catalogue
                then format('full Hub catalogue ({:,} models, archive)', model_count)
            when is_archive
                then format('{:,} models from archive {}', model_count, parse_filename(source))
            when source_kind = 'file'
                then format('{:,} models from {}', model_count, parse_filename(source))
            when is_full_catalogue
                then format('full Hub catalogue ({:,} models)', model_count)
            else format('{:,} {} models', model_count, sort_label)
                || case when has_hub_filter then ' (filtered)' else '' end
        end || ' on ' || strftime(snapshot_at, '%Y-%m-%d') as sample_description,
        -- The newest by capture time, not by landing: a backfilled old response is not newest.
        row_number() over (order by snapshot_at desc, snapshot_id desc) = 1 as is_newest,
    from described

)

select * from final
