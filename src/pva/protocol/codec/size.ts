// The Size encoding of counts and lengths (pvAccess "Sizes"): one byte below 254, else 254 and an
// int32. 255 is "null": an empty union selector or, from old peers, an empty string.

export const NULL_SIZE = 0xff;
export const LARGE_SIZE = 0xfe;
export const MAX_SHORT_SIZE = 253;

/**
 * The specification reserves 254 + 0x7FFFFFFF + int64 for sizes from 2^31-1 on; pvxs and
 * pvDataCPP write 0x7FFFFFFF itself as a plain int32 and read it so, as we do.
 */
export const MAX_SIZE = 0x7fffffff;
