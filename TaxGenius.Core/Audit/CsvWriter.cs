using System.Text;

namespace TaxGenius.Core.Audit;

/// <summary>
/// A small RFC 4180 writer: fields separated by commas, records by CRLF; a field holding a comma, a quote, CR or LF is quoted
/// and its quotes doubled. Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are prefixed with a
/// single quote (OWASP "CSV injection").
/// </summary>
public sealed class CsvWriter(TextWriter writer)
{
    /// <summary>
    /// A writer for a download: UTF-8 without a byte-order mark, leaving <paramref name="destination"/> open, with a 16 KB buffer (an
    /// export of many thousand rows reaches the response in few writes).
    /// </summary>
    public static StreamWriter Utf8(Stream destination) => new(destination, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);

    public async Task WriteRecordAsync(IEnumerable<string?> fields, CancellationToken cancellationToken = default)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                await writer.WriteAsync(",".AsMemory(), cancellationToken);
            }

            first = false;
            await writer.WriteAsync(Escape(field).AsMemory(), cancellationToken);
        }

        await writer.WriteAsync("\r\n".AsMemory(), cancellationToken);
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
