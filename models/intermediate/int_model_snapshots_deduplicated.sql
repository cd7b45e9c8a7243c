with

single_load_rows as (

    select * from {{ ref('stg_hf__models') }}

),

-- The same view twice more, each read apart (for the rows of repeated keys, and for the keys):
-- one CTE read three times is materialised, every parsed row held in memory at once, where
-- separate reads stream.
repeated_load_rows as (

    select * from {{ ref('stg_hf__models') }}

),

model_keys as (

    select model_id, snapshot_id from {{ ref('stg_hf__models') }}

),

-- The loader already keeps one copy per model per snapshot; this guards the marts against a
-- raw table written by anything else. Only a key loaded twice needs ranking, so keys are
-- counted first, by one hash each: grouping 6M string pairs spilled to disk within the build's
-- memory limit, and a window over every parsed row held them all in memory. Distinct keys may
-- share a hash; they are ranked apart below, so a collision costs time, never a row.
repeated_hashes as (

    select hash(model_id, snapshot_id) as key_hash from model_keys
    group by key_hash
    having count(*) > 1

),

loaded_once as (

    select single_load_rows.* from single_load_rows
    anti join repeated_hashes
        on hash(single_load_rows.model_id, single_load_rows.snapshot_id)
        = repeated_hashes.key_hash

),

-- The later load wins, as in the loader.
later_load as (

    select repeated_load_rows.* from repeated_load_rows
    semi join repeated_hashes
        on hash(repeated_load_rows.model_id, repeated_load_rows.snapshot_id)
        = repeated_hashes.key_hash
    qualify row_number() over (
        partition by repeated_load_rows.model_id, repeated_load_rows.snapshot_id
        order by repeated_load_rows.loaded_at desc
    ) = 1

),

final as (

    select * from loaded_once
    union all
    select * from later_load

)

select * from final
