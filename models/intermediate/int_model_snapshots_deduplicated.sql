with

models as (

    select * from {{ ref('stg_hf__models') }}

),

-- The same view twice more, each read apart: one CTE read three times is materialised, every
-- parsed row held in memory at once, where separate reads stream.
models_again as (

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

    select models.* from models
    anti join repeated_hashes
        on hash(models.model_id, models.snapshot_id) = repeated_hashes.key_hash

),

-- The later load wins, as in the loader.
later_load as (

    select models_again.* from models_again
    semi join repeated_hashes
        on hash(models_again.model_id, models_again.snapshot_id) = repeated_hashes.key_hash
    qualify row_number() over (
        partition by models_again.model_id, models_again.snapshot_id
        order by models_again.loaded_at desc
    ) = 1

),

final as (

    select * from loaded_once
    union all
    select * from later_load

)

select * from final
