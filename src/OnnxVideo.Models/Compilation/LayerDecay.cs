using System.Globalization;
using System.Text.RegularExpressions;
using OnnxVideo.Packaging;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// Layer-wise learning-rate decay as BEiT and VideoMAE fine-tune: with L transformer blocks, embeddings are layer 0,
/// block i (0-based, from "layer.i." / "layers.i." / "blocks.i." in the parameter name) layer i + 1, and everything
/// else (final norms, head) layer L + 1; a parameter's learning rate is lr · decay^(L + 1 − layer).
/// </summary>
internal static partial class LayerDecay
{
    [GeneratedRegex(@"(?:^|\.)(?:layer|layers|blocks|block)\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex BlockIndex();

    [GeneratedRegex(@"embed|cls_token|(?:^|\.)(?:pos|patch)_", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Embedding();

    /// <summary>The learning-rate multiplier of each parameter; all 1 when <paramref name="decay"/> is null.</summary>
    public static IReadOnlyDictionary<string, float> Scales(IReadOnlyList<string> parameters, float? decay, string source)
    {
        if (decay is null)
        {
            return parameters.ToDictionary(p => p, _ => 1f, StringComparer.Ordinal);
        }
        var blocks = parameters.Select(p => BlockIndex().Match(p)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        if (blocks.Count == 0)
        {
            throw new TrainingPackageException(source,
                "layer-wise learning-rate decay needs transformer blocks named '…layer.<i>.' / '…blocks.<i>.', and no trainable parameter has such a name");
        }
        var top = blocks.Max() + 2;
        return parameters.ToDictionary(p => p, p => (float)Math.Pow(decay.Value, top - LayerOf(p, top)), StringComparer.Ordinal);
    }

    private static int LayerOf(string parameter, int top)
    {
        var block = BlockIndex().Match(parameter);
        if (block.Success)
        {
            return int.Parse(block.Groups[1].Value, CultureInfo.InvariantCulture) + 1;
        }
        return Embedding().IsMatch(parameter) ? 0 : top;
    }
}
