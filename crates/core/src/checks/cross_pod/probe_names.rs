//! The probe's room and nonce: drawn from the browser's random numbers, so
//! that no other client of the companion can guess them.

/// The room A listens to and the nonce B broadcasts to it.
pub(super) fn room_and_nonce(seed: u64) -> (String, String) {
    let room = format!("r{:016x}", mix(seed));
    let nonce = format!("n{:016x}", mix(mix(seed) ^ seed));
    (room, nonce)
}

/// splitmix64: spreads the seed over both.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
