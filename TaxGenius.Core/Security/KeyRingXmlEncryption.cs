using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace TaxGenius.Core.Security;

/// <summary>
/// Encrypts each Data Protection key's secret part before it is stored (see <see cref="SecretProtector"/>). Data Protection calls it
/// for the elements a key marks "requires encryption"; <see cref="KeyRingXmlDecryptor"/> reverses it.
/// </summary>
public sealed class KeyRingXmlEncryptor(SecretProtector protector) : IXmlEncryptor
{
    internal const string Purpose = "data-protection-key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("encryptedKey", new XElement("value", protector.Protect(Purpose, plaintextElement.ToString(SaveOptions.DisableFormatting)))),
            typeof(KeyRingXmlDecryptor));

    /// <summary>The Data Protection XML namespace and the marker of elements that must be encrypted at rest.</summary>
    private static readonly XNamespace Ns = "http://schemas.asp.net/2015/03/dataProtection";

    /// <summary>
    /// A stored key element with every element marked "requires encryption" encrypted, as Data Protection writes it when an encryptor
    /// is configured; null when nothing needs it (already encrypted). Used to upgrade keys written before the ring was encrypted.
    /// </summary>
    public XElement? EncryptMarked(XElement key)
    {
        var copy = new XElement(key);
        var marked = copy.Descendants().Where(e => (bool?)e.Attribute(Ns + "requiresEncryption") == true).ToList();
        if (marked.Count == 0)
        {
            return null;
        }

        foreach (var element in marked)
        {
            var info = Encrypt(new XElement(element));
            element.ReplaceWith(new XElement(Ns + "encryptedSecret",
                new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
        }

        // Data Protection leaves a comment warning that the key below is unencrypted: no longer true.
        copy.DescendantNodes().OfType<XComment>().ToList().ForEach(c => c.Remove());
        return copy;
    }
}

/// <summary>Created by Data Protection's activator (it passes its service provider) when it reads an encrypted key.</summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var envelope = (string?)encryptedElement.Element("value")
            ?? throw new System.Security.Cryptography.CryptographicException("An encrypted Data Protection key has no value.");
        return XElement.Parse(services.GetRequiredService<SecretProtector>().Unprotect(KeyRingXmlEncryptor.Purpose, envelope));
    }
}
