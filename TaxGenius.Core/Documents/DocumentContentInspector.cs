using System.Buffers.Binary;
using System.Text;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Documents;

/// <summary>The kinds of file a client may hand over, decided from the bytes alone.</summary>
public enum DocumentFileKind
{
    Pdf,
    Jpeg,
    Png,
    Heic,
    Tiff,
}

public static class DocumentFileKinds
{
    public static string ContentType(this DocumentFileKind kind) => kind switch
    {
        DocumentFileKind.Pdf => "application/pdf",
        DocumentFileKind.Jpeg => "image/jpeg",
        DocumentFileKind.Png => "image/png",
        DocumentFileKind.Heic => "image/heic",
        DocumentFileKind.Tiff => "image/tiff",
        _ => "application/octet-stream",
    };

    public static string DisplayName(this DocumentFileKind kind) => kind switch
    {
        DocumentFileKind.Pdf => "PDF",
        DocumentFileKind.Jpeg => "JPEG image",
        DocumentFileKind.Png => "PNG image",
        DocumentFileKind.Heic => "HEIC photo",
        DocumentFileKind.Tiff => "TIFF image",
        _ => kind.ToString(),
    };

    /// <summary>The extension a downloaded copy gets when its name has none.</summary>
    public static string Extension(this DocumentFileKind kind) => kind switch
    {
        DocumentFileKind.Pdf => ".pdf",
        DocumentFileKind.Jpeg => ".jpg",
        DocumentFileKind.Png => ".png",
        DocumentFileKind.Heic => ".heic",
        DocumentFileKind.Tiff => ".tif",
        _ => "",
    };

    /// <summary>Which kind a file name's extension claims; null when it has none we know.</summary>
    public static DocumentFileKind? FromExtension(string extension) => extension.ToLowerInvariant() switch
    {
        ".pdf" => DocumentFileKind.Pdf,
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => DocumentFileKind.Jpeg,
        ".png" => DocumentFileKind.Png,
        ".heic" or ".heif" => DocumentFileKind.Heic,
        ".tif" or ".tiff" => DocumentFileKind.Tiff,
        _ => null,
    };

    public static DocumentFileKind? FromContentType(string contentType) =>
        Enum.GetValues<DocumentFileKind>().Cast<DocumentFileKind?>().FirstOrDefault(k => k!.Value.ContentType() == contentType);

    public const string AcceptedList = "PDF, JPEG, PNG, HEIC or TIFF";
}

/// <summary>A file refused for what it is; the message is meant for the person who uploaded it.</summary>
public sealed class DocumentRejectedException(string message) : Exception(message);

/// <summary>
/// Decides a file's kind from its first bytes (magic numbers), never from its name or the browser's content type, and refuses
/// what only pretends: programs and archives under a document's name, polyglots (a second format hidden at the start or an
/// archive appended at the end), truncated PDFs and PNGs, and empty files. Runs inside the store's write, so a refused file is
/// never stored.
/// </summary>
public sealed class DocumentContentInspector(Func<DocumentFileKind, string?>? accept = null) : IStoreInspector
{
    private const int HeadSize = 1024;
    // A ZIP's end-of-central-directory record sits in the last 22 + 65,535 bytes.
    private const int TailSize = 22 + 65_535;

    private readonly byte[] head = new byte[HeadSize];
    private readonly byte[] tail = new byte[TailSize];
    private int headLength;
    private int tailLength;

    public DocumentFileKind? Kind { get; private set; }

    public void Inspect(ReadOnlySpan<byte> chunk, long offset, bool isLast)
    {
        if (headLength < HeadSize)
        {
            var take = Math.Min(HeadSize - headLength, chunk.Length);
            chunk[..take].CopyTo(head.AsSpan(headLength));
            headLength += take;
        }

        if (Kind is null && (headLength == HeadSize || isLast))
        {
            Kind = Identify(head.AsSpan(0, headLength));
            if (accept?.Invoke(Kind.Value) is { } refusal)
            {
                throw new DocumentRejectedException(refusal);
            }
        }

        AppendTail(chunk);
    }

    public void Complete(long totalBytes)
    {
        if (totalBytes == 0 || Kind is null)
        {
            Kind = Identify(head.AsSpan(0, headLength));
        }

        var end = tail.AsSpan(0, tailLength);
        if (HasZipDirectory(end))
        {
            throw new DocumentRejectedException($"This {Kind!.Value.DisplayName()} has an archive hidden at its end (a polyglot file). Export or scan it again and upload the clean copy.");
        }

        switch (Kind)
        {
            case DocumentFileKind.Pdf when end[Math.Max(0, end.Length - 1024)..].IndexOf("%%EOF"u8) < 0:
                throw new DocumentRejectedException("This PDF is incomplete: it does not end the way a PDF must. Save or download it again and retry.");
            case DocumentFileKind.Png when end.Length < 12 || !end[^8..^4].SequenceEqual("IEND"u8):
                throw new DocumentRejectedException("This PNG image is incomplete or has extra data after its end. Save it again and retry.");
        }
    }

    /// <summary>The kind of a file from its first bytes; throws <see cref="DocumentRejectedException"/> with the reason otherwise.</summary>
    public static DocumentFileKind Identify(ReadOnlySpan<byte> start)
    {
        if (start.IsEmpty)
        {
            throw new DocumentRejectedException("This file is empty (0 bytes). Choose the file again; if it came from a scanner or an app, save it again first.");
        }

        if (Foreign(start) is { } foreign)
        {
            throw new DocumentRejectedException($"This file is {foreign}, not a document. Upload a {DocumentFileKinds.AcceptedList} file.");
        }

        DocumentFileKind? kind =
            start.StartsWith("%PDF-"u8) ? DocumentFileKind.Pdf
            : Starts(start, 0xFF, 0xD8, 0xFF) ? DocumentFileKind.Jpeg
            : Starts(start, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) ? DocumentFileKind.Png
            : start.StartsWith("II*\0"u8) || start.StartsWith("MM\0*"u8) ? DocumentFileKind.Tiff
            : IsHeic(start) ? DocumentFileKind.Heic
            : null;
        if (kind is null)
        {
            throw new DocumentRejectedException($"We could not recognize this file's content. Upload a {DocumentFileKinds.AcceptedList} file.");
        }

        // A second format inside the first kilobyte: PDF readers accept "%PDF-" anywhere in it, browsers sniff markup.
        if (kind != DocumentFileKind.Pdf && start.IndexOf("%PDF-"u8) >= 0)
        {
            throw new DocumentRejectedException($"This {kind.Value.DisplayName()} also contains a PDF (a polyglot file). Export it again as a plain image or PDF and retry.");
        }

        if (ContainsMarkup(start))
        {
            throw new DocumentRejectedException($"This {kind.Value.DisplayName()} contains web page or script code (a polyglot file). Export it again and retry.");
        }

        return kind.Value;
    }

    private static string? Foreign(ReadOnlySpan<byte> start) =>
        start.StartsWith("MZ"u8) ? "a Windows program (executable)"
        : Starts(start, 0x7F, 0x45, 0x4C, 0x46) ? "a Linux program (executable)"
        : Starts(start, 0xCF, 0xFA, 0xED, 0xFE) || Starts(start, 0xCE, 0xFA, 0xED, 0xFE)
          || Starts(start, 0xFE, 0xED, 0xFA, 0xCF) || Starts(start, 0xCA, 0xFE, 0xBA, 0xBE) ? "a macOS program (executable)"
        : start.StartsWith("#!"u8) ? "a script"
        : start.StartsWith("PK\x03\x04"u8) || start.StartsWith("PK\x05\x06"u8) ? "an archive or an Office file (ZIP)"
        : start.StartsWith("Rar!"u8) || Starts(start, 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C) || Starts(start, 0x1F, 0x8B)
          ? "a compressed archive"
        : null;

    private static bool Starts(ReadOnlySpan<byte> data, params ReadOnlySpan<byte> prefix) => data.StartsWith(prefix);

    private static bool IsHeic(ReadOnlySpan<byte> start)
    {
        if (start.Length < 12 || !start[4..8].SequenceEqual("ftyp"u8))
        {
            return false;
        }

        var brand = Encoding.ASCII.GetString(start[8..12]);
        return brand is "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "hevm" or "hevs" or "mif1" or "msf1";
    }

    private static bool ContainsMarkup(ReadOnlySpan<byte> start)
    {
        ReadOnlySpan<string> markers = ["<html", "<script", "<?php", "<svg", "<!doctype", "<iframe", "<body"];
        Span<byte> lower = stackalloc byte[start.Length];
        for (var i = 0; i < start.Length; i++)
        {
            lower[i] = start[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(start[i] + 32) : start[i];
        }

        foreach (var marker in markers)
        {
            if (lower.IndexOf(Encoding.ASCII.GetBytes(marker)) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An end-of-central-directory record whose comment runs exactly to the end of the file: a real ZIP, not chance bytes.</summary>
    private static bool HasZipDirectory(ReadOnlySpan<byte> end)
    {
        for (var i = end.Length - 22; i >= 0; i--)
        {
            if (end[i] == (byte)'P' && end[i..].StartsWith("PK\x05\x06"u8)
                && BinaryPrimitives.ReadUInt16LittleEndian(end[(i + 20)..]) == end.Length - i - 22)
            {
                return true;
            }
        }

        return false;
    }

    private void AppendTail(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= TailSize)
        {
            chunk[^TailSize..].CopyTo(tail);
            tailLength = TailSize;
            return;
        }

        var keep = Math.Min(tailLength, TailSize - chunk.Length);
        if (keep < tailLength)
        {
            tail.AsSpan(tailLength - keep, keep).CopyTo(tail);
        }

        chunk.CopyTo(tail.AsSpan(keep));
        tailLength = keep + chunk.Length;
    }
}
