with

source as (

    select * from {{ source('hf', 'models') }}

),

-- One parse per object: json_transform reads every field we need in a single pass, as text,
-- so the casts below can accept whatever type the API sends. The fields are the seed
-- hub_fields' (tests/test_hub_fields.py keeps the two equal).
parsed as (

    select
        snapshot_id,
        model_id,
        snapshot_at,
        loaded_at,
        json_transform(
            payload,
            '{
                "author": "VARCHAR",
                "pipeline_tag": "VARCHAR",
                "library_name": "VARCHAR",
                "createdAt": "VARCHAR",
                "downloads": "VARCHAR",
                "downloadsAllTime": "VARCHAR",
                "likes": "VARCHAR",
                "trendingScore": "VARCHAR",
                "private": "VARCHAR",
                "tags": "JSON"
            }'
        ) as f,

    from source

),

renamed as (

    select
        model_id,
        snapshot_id,
        coalesce(
            f.author,
            case when contains(model_id, '/') then split_part(model_id, '/', 1) end
        ) as author,
        f.pipeline_tag as category,
        f.library_name,
        f.createdAt as created_at_text,
        {{ utc_timestamp('f.createdAt') }} as created_at,
        try_cast(try_cast(f.downloads as double) as bigint) as downloads,
        try_cast(try_cast(f.downloadsAllTime as double) as bigint) as downloads_all_time,
        try_cast(try_cast(f.likes as double) as bigint) as likes,
        try_cast(f.trendingScore as double) as trending_score,
        f.downloads is not null as has_downloads,
        f.likes is not null as has_likes,
        f.trendingScore is not null as has_trending_score,
        try_cast(f.private as boolean) as is_private,
        case
            when json_type(f.tags) = 'ARRAY' then from_json(f.tags, '["VARCHAR"]')
        end as tags,
        f.tags is not null and json_type(f.tags) <> 'ARRAY' as has_malformed_tags,
        timezone('UTC', snapshot_at) as snapshot_at,
        timezone('UTC', loaded_at) as loaded_at,

    from parsed

),

final as (

    select
        *,
        extract(year from created_at)::integer as release_year,
        date_trunc('minute', created_at)
        = timestamp '{{ var("created_at_placeholder_minute") }}' as is_created_at_placeholder,
    from renamed

)

select * from final
