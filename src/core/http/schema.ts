/**
 * @module core/http/schema
 * Small TypeBox helpers every module's route schemas share.
 */
import { type TSchema, Type } from 'typebox';

/** `t` or null: a field that is always present and may be empty. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
