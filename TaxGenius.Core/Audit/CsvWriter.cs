using System.Text;

namespace TaxGenius.Core.Audit;

/// <summary>
/// A small RFC 4180 writer: fields separated by commas, records by CRLF; a field holding a comma, a quote, CR or LF is quoted
/// and its quotes doubled. Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are prefixed with a
/// single quote (OWASP "CSV injection").
/// </summary>
public sealed class CsvWriter(TextWriter writer)
{
    public async Task WriteRecordAsync(IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                await writer.WriteAsync(',');
            }

            first = false;
            await writer.WriteAsync(Escape(field));
        }

        await writer.WriteAsync("\r\n");
    }

    public static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }

        if (field[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            field = "'" + field;
        }

        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return field;
        }

        var builder = new StringBuilder(field.Length + 8).Append('"');
        foreach (var c in field)
        {
            builder.Append(c == '"' ? "\"\"" : c.ToString());
        }

        return builder.Append('"').ToString();
    }
}
