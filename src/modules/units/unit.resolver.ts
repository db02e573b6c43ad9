import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../../common/errors';
import { isUnitId } from '../../common/ids';
import { PageSize, pageSizeOf } from '../../common/pageSize';
import { DateScalar } from '../../common/scalars';
import { Context } from '../../context';
import { Unit } from './unit.entity';
import { today, unitByCode } from './unitLookup';
import { AdministrativeUnit, Commune, District, Province, Succession, UnitLevelEnum } from './unit.types';
import { Cost, KEY_READS, list, model, one, page } from '../../plugins/fieldCost';

/** searchUnits' `first`. */
export const UNIT_SEARCH_PAGE_SIZE: PageSize = { min: 0, max: 100, default: 20 };
const MAX_QUERY_LENGTH = 100;

const CODE = { description: "GSO code with its leading zeros, e.g. '37', '376', '14620'." };
const ON = { nullable: true, description: 'The day whose map to read (default: today in Asia/Ho_Chi_Minh).' } as const;

@Resolver()
export class UnitQueryResolver {
  @Query(() => [Province], { description: 'The provinces in force on a day (default: today in Asia/Ho_Chi_Minh), in code order.' })
  @Cost(list((_, b) => b.provinces, 1))
  async provinces(@Arg('on', () => DateScalar, ON) on: string | null, @Ctx() ctx: Context): Promise<Unit[]> {
    const provinces = await ctx.services.units.byLevelOn('PROVINCE', on ?? today(ctx));
    for (const p of provinces) ctx.loaders.unit.prime(p.id, p);
    return provinces;
  }

  @Query(() => Province, { nullable: true, description: 'A province by its code (see `unit`); null if there is none.' })
  @Cost(one(KEY_READS))
  province(@Arg('code', () => ID, CODE) code: string, @Arg('on', () => DateScalar, ON) on: string | null, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitByCode(ctx, code, on, 'PROVINCE');
  }

  @Query(() => District, { nullable: true, description: 'A district by its code (see `unit`); null if there is none.' })
  @Cost(one(KEY_READS))
  district(@Arg('code', () => ID, CODE) code: string, @Arg('on', () => DateScalar, ON) on: string | null, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitByCode(ctx, code, on, 'DISTRICT');
  }

  @Query(() => Commune, { nullable: true, description: 'A commune by its code (see `unit`); null if there is none.' })
  @Cost(one(KEY_READS))
  commune(@Arg('code', () => ID, CODE) code: string, @Arg('on', () => DateScalar, ON) on: string | null, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitByCode(ctx, code, on, 'COMMUNE');
  }

  @Query(() => AdministrativeUnit, {
    nullable: true,
    description: 'Any unit by its code: the one in force on `on`; without `on`, the one in force today, else the last one that had the code.',
  })
  @Cost(one(KEY_READS))
  unit(@Arg('code', () => ID, CODE) code: string, @Arg('on', () => DateScalar, ON) on: string | null, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitByCode(ctx, code, on);
  }

  @Query(() => AdministrativeUnit, { nullable: true, description: 'A unit by its id, in force or not.' })
  @Cost(one(KEY_READS))
  unitById(@Arg('id', () => ID, { description: 'The id of a unit, as AdministrativeUnit.id gives it.' }) id: string, @Ctx() ctx: Context): Promise<Unit | null> | null {
    return isUnitId(id) ? ctx.loaders.unit.load(id) : null;
  }

  @Query(() => [AdministrativeUnit], {
    description: "Units in force on `on` (default today) whose name matches, case- and diacritic-insensitively ('phat diem' finds Phát Diệm).",
  })
  // A scan of every unit's folded name (UnitService.search), whatever `first` is.
  @Cost(
    model({ first: 'value' }, (args, bounds) => {
      const first = page(args, UNIT_SEARCH_PAGE_SIZE);
      return { rows: bounds.units + first * KEY_READS, items: first };
    }),
  )
  searchUnits(
    @Arg('query', () => String, { description: 'Part of the name, with or without diacritics.' }) query: string,
    @Arg('level', () => UnitLevelEnum, { nullable: true, description: 'Only units of this level.' }) level: UnitLevelEnum | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: UNIT_SEARCH_PAGE_SIZE.default, description: `At most this many (${UNIT_SEARCH_PAGE_SIZE.min} to ${UNIT_SEARCH_PAGE_SIZE.max}).` }) first: number | null,
    @Arg('on', () => DateScalar, ON) on: string | null,
    @Ctx() ctx: Context,
  ): Promise<Unit[]> {
    const limit = pageSizeOf(UNIT_SEARCH_PAGE_SIZE, first);
    if (query.trim() === '') throw badUserInput('query must not be empty', 'query');
    if (query.length > MAX_QUERY_LENGTH) throw badUserInput(`query must be at most ${MAX_QUERY_LENGTH} characters`, 'query');
    return ctx.services.units.search(query, level ?? null, limit, on ?? today(ctx));
  }
}

@Resolver(() => AdministrativeUnit)
export class AdministrativeUnitResolver {
  @FieldResolver(() => AdministrativeUnit, { nullable: true, description: 'The unit directly above; null for a province.' })
  @Cost(one(KEY_READS))
  parent(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit | null> | null {
    return unit.parentId ? ctx.loaders.unit.load(unit.parentId) : null;
  }

  @FieldResolver(() => [Succession], { description: 'Units this one became (all or part of), when it ended.' })
  @Cost(list((_, b) => b.successionsPerUnit, 1))
  successors(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Succession[]> {
    return ctx.loaders.successors.load(unit.id);
  }

  @FieldResolver(() => [Succession], { description: 'Units that became (all or part of) this one.' })
  @Cost(list((_, b) => b.successionsPerUnit, 1))
  predecessors(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Succession[]> {
    return ctx.loaders.predecessors.load(unit.id);
  }
}

@Resolver(() => Succession)
export class SuccessionResolver {
  @FieldResolver(() => AdministrativeUnit, { description: 'The other unit: a successor seen from the old unit, a predecessor seen from the new one.' })
  @Cost(one(KEY_READS))
  async unit(@Root() succession: Succession, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(succession.unitId))!;
  }
}

@Resolver(() => Province)
export class ProvinceResolver {
  @FieldResolver(() => [District], { description: 'Its districts, in code order; empty in the map from 2025-07-01, which has no districts.' })
  @Cost(list((_, b) => b.districtsPerProvince, 1))
  async districts(@Root() province: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    return (await ctx.loaders.unitChildren.load(province.id)).filter((u) => u.level === 'DISTRICT');
  }

  @FieldResolver(() => [Commune], { description: 'Every commune of the province, through its districts where it has them, by code.' })
  @Cost(list((_, b) => b.communesPerProvince, 1))
  communes(@Root() province: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    return ctx.loaders.unitCommunes.load(province.id);
  }
}

@Resolver(() => District)
export class DistrictResolver {
  @FieldResolver(() => Province, { description: 'The province it belongs to.' })
  @Cost(one(KEY_READS))
  async province(@Root() district: Unit, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(district.provinceId))!;
  }

  @FieldResolver(() => [Commune], { description: 'Its communes, in code order.' })
  @Cost(list((_, b) => b.communesPerDistrict, 1))
  async communes(@Root() district: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    return (await ctx.loaders.unitChildren.load(district.id)).filter((u) => u.level === 'COMMUNE');
  }
}

@Resolver(() => Commune)
export class CommuneResolver {
  @FieldResolver(() => District, { nullable: true, description: 'Null only for a commune that sits directly under its province.' })
  @Cost(one(KEY_READS))
  async district(@Root() commune: Unit, @Ctx() ctx: Context): Promise<Unit | null> {
    if (!commune.parentId) return null;
    const parent = await ctx.loaders.unit.load(commune.parentId);
    return parent?.level === 'DISTRICT' ? parent : null;
  }

  @FieldResolver(() => Province, { description: 'The province it belongs to.' })
  @Cost(one(KEY_READS))
  async province(@Root() commune: Unit, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(commune.provinceId))!;
  }
}
