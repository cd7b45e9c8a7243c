with

source as (

    select * from {{ source('hf', 'snapshots') }}

),

-- Every query parameter but the listing's own controls (ingest/cli.py api_request) is a filter
-- of ingest/filters.py: all of them are kept in one column, so a filter added there reaches
-- the marts with no SQL of its own.
filter_names as (

    select
        *,
        list_filter(
            json_keys(request -> '$.params'),
            param -> param not in ('sort', 'expand', 'full', 'limit')
        ) as hub_filter_names,
    from source

),

renamed as (

    select
        snapshot_id,
        timezone('UTC', snapshot_at) as snapshot_at,
        source,
        request ->> 'kind' as source_kind,
        request ->> '$.params.sort' as sort_key,
        nullif(
            to_json(
                map_from_entries(
                    list_transform(
                        hub_filter_names,
                        param -> { 'name': param, 'value': request -> '$.params' -> param }
                    )
                )
            ),
            '{}'::json
        ) as hub_filters,
        coalesce(len(hub_filter_names) > 0, false) as has_hub_filter,
        request -> '$.params.expand' as expanded_fields,
        -- What the snapshot's objects can carry: an `--expand` crawl the fields it asked for,
        -- an archive file its columns; null for the Hub's default listing (every field).
        coalesce(request -> '$.params.expand', request -> '$.fields_present') as served_fields,
        request ->> 'kind' = 'archive' as is_archive,
        request ->> 'file' as archive_file,
        (request ->> 'size')::bigint as archive_bytes,
        request ->> 'sha256' as archive_sha256,
        request -> 'required_missing' as archive_missing_fields,
        request -> 'columns_ignored' as archive_ignored_columns,
        (request ->> 'full_catalogue')::boolean as is_archive_full_catalogue,
        coalesce((request ->> '$.params.full')::boolean, false) as is_full_objects,
        coalesce((request ->> 'follow_pages')::boolean, false) as is_paginated,
        (request ->> 'limit')::bigint as model_limit,
        (request ->> '$.params.limit')::bigint as page_size,
        status,
        status = 'complete' as is_complete,
        timezone('UTC', started_at) as started_at,
        timezone('UTC', completed_at) as completed_at,
        pages_landed,
        objects_served,
        model_count,
        duplicate_count,
        rejected_count,
        retry_count,

    from filter_names

),

final as (

    select * from renamed

)

select * from final
