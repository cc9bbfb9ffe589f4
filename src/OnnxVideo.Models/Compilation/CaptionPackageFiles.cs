using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging;

namespace OnnxVideo.Models.Compilation;

/// <summary>Writes a captioning package's inference graphs and tokenizer and describes them in the manifest's caption entry.</summary>
internal static class CaptionPackageFiles
{
    public const string TokenizerFile = "tokenizer.json";

    /// <summary>Writes the files into <paramref name="dir"/>; returns the caption entry and the file names written.</summary>
    public static (PackageCaptionEntry Entry, IReadOnlyList<string> Files) Write(CaptionGraphs graphs, string? tokenizerPath, string dir)
    {
        var config = graphs.Config;
        var entry = new PackageCaptionEntry
        {
            VocabularySize = config.VocabularySize,
            MaxLength = config.MaxLength,
            Pad = VideoCaptionConfig.Pad,
            Bos = VideoCaptionConfig.Bos,
            Eos = VideoCaptionConfig.Eos,
            Layers = config.Layers,
            Heads = config.Heads,
            ModelDim = config.Width,
            HeadDim = config.HeadWidth,
            MemoryTokens = checked((int)graphs.MemoryTokens),
            TiedEmbeddings = config.TieEmbeddings,
            TokenizerFile = tokenizerPath is null ? null : TokenizerFile,
        };
        var files = new List<string> { entry.EncoderFile, entry.DecoderFile, entry.DecoderMemoryFile, entry.DecoderStepFile };
        foreach (var (model, file) in new[] { (graphs.Encoder, entry.EncoderFile), (graphs.Decoder, entry.DecoderFile), (graphs.DecoderMemory, entry.DecoderMemoryFile), (graphs.DecoderStep, entry.DecoderStepFile) })
        {
            var path = Path.Combine(dir, file);
            OnnxModelFile.Save(model, path);
            OrtModelCheck.RequireLoadable(path);
        }
        if (tokenizerPath is not null)
        {
            CaptionTokenizerCheck.Require(tokenizerPath, config.VocabularySize);
            var target = Path.Combine(dir, TokenizerFile);
            UserFileException.Guard(tokenizerPath, "cannot copy the tokenizer into the package", () => AtomicFile.Write(target, stream =>
            {
                using var input = File.OpenRead(tokenizerPath);
                input.CopyTo(stream);
            }));
            files.Add(TokenizerFile);
        }
        return (entry, files);
    }
}
