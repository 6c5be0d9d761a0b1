using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using TaxGenius.Core.Common;

namespace TaxGenius.Core.Data.Configurations;

/// <summary>Stores enums under the seed's names (PENDING, FORM_1099, …) on every provider.</summary>
internal sealed class SeedEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => SeedEnumNames<TEnum>.ToName(v),
    v => SeedEnumNames<TEnum>.Parse(v))
    where TEnum : struct, Enum;
