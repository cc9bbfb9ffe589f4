using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Text;

namespace OnnxVideo.ExportTool.Commands;

/// <summary>The options of <c>create --arch video_caption</c> and how they build the captioner.</summary>
internal sealed class CaptionModelFlags
{
    public Option<int?> Vocabulary { get; } = new("--vocab") { Description = "Vocabulary size of video_caption (the tokenizer's, specials and bytes included)" };
    public Option<FileInfo?> Tokenizer { get; } = new("--tokenizer") { Description = "The tokenizer.json whose vocabulary size video_caption takes (instead of --vocab)" };
    public Option<int> MaxLength { get; } = new("--max-length") { Description = "Most caption tokens of video_caption, BOS/EOS not counted", DefaultValueFactory = _ => 24 };
    public Option<int> Layers { get; } = new("--decoder-layers") { Description = "Decoder layers of video_caption", DefaultValueFactory = _ => 2 };
    public Option<int> Heads { get; } = new("--decoder-heads") { Description = "Decoder attention heads of video_caption", DefaultValueFactory = _ => 4 };
    public Option<bool> Tie { get; } = new("--tie-embeddings") { Description = "The output projection of video_caption reuses the token embedding" };
    public Option<FileInfo?> Encoder { get; } = new("--encoder") { Description = "A video_vit or 3-D CNN (tiny3d, r3d_18, mc3_18, r2plus1d_18) classifier (e.g. a fine-tuned one) whose encoder (kind, clip size and weights; a CNN's head dropped) video_caption takes" };
    public Option<string?> EncoderArch { get; } = new("--encoder-arch") { Description = "A 3-D CNN (tiny3d, r3d_18, mc3_18, r2plus1d_18) whose last feature map, as tokens, is video_caption's encoder (default: video_vit); its weights from --weights or --encoder" };
    public Option<int?> DecoderWidth { get; } = new("--decoder-width") { Description = "With --encoder-arch: the width the CNN's channels are projected to, the decoder's (default 96)" };

    public IEnumerable<Option> All() => [Vocabulary, Tokenizer, MaxLength, Layers, Heads, Tie, Encoder, EncoderArch, DecoderWidth];

    /// <summary>Builds and writes the captioner; <paramref name="frames"/>, <paramref name="size"/>, <paramref name="seed"/> and <paramref name="weights"/> are create's own flags.</summary>
    public int Run(ParseResult parse, int? frames, int? size, int seed, string? weights, string outPath)
    {
        var tokenizer = parse.GetValue(Tokenizer)?.FullName;
        if (tokenizer is not null && parse.GetValue(Vocabulary) is not null)
        {
            throw new InvalidFlagException("--vocab/--tokenizer", "give one: the tokenizer says the vocabulary size");
        }
        var vocabulary = parse.GetValue(Vocabulary) ?? (tokenizer is null ? (int?)null : BpeTokenizer.Load(tokenizer).VocabularySize)
            ?? throw new InvalidFlagException("--vocab", "needed with --arch video_caption: the vocabulary size of the tokenizer (or --tokenizer tokenizer.json)");
        var encoder = parse.GetValue(Encoder)?.FullName;
        if (encoder is not null && !File.Exists(encoder))
        {
            throw new UserFileException(encoder, "encoder model not found");
        }
        if (weights is not null && !File.Exists(weights))
        {
            throw new UserFileException(weights, "weights file not found");
        }
        var config = new VideoCaptionConfig
        {
            VocabularySize = vocabulary,
            MaxLength = parse.GetValue(MaxLength),
            Layers = parse.GetValue(Layers),
            Heads = parse.GetValue(Heads),
            TieEmbeddings = parse.GetValue(Tie),
        };
        config = WithCnnEncoder(parse, config);
        var built = FlagValues.Check(() => VideoCaptionZoo.Build(config, frames, size, seed, encoder, weights));
        var contract = built.Architecture.DefaultContract(built.Frames, built.Size);
        ModelContracts.Write(built.Model, contract, source: outPath);
        UserFileException.Guard(outPath, "cannot write the model", () => OnnxModelFile.Save(built.Model, outPath));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: {VideoCaption.ArchitectureName}, {built.Architecture.Description}, input video [N, {string.Join(", ", built.Architecture.Encoder.InputShape(built.Frames, built.Size))}] ({built.Architecture.Encoder.InputLayout}), {built.Architecture.MemoryTokens(built.Frames, built.Size)} memory tokens, {built.Parameters:N0} parameters, encoder {encoder ?? weights ?? $"random (seed {seed})"}"));
        return ExitCodes.Ok;
    }

    private VideoCaptionConfig WithCnnEncoder(ParseResult parse, VideoCaptionConfig config)
    {
        var architecture = parse.GetValue(EncoderArch);
        var width = parse.GetValue(DecoderWidth);
        if (architecture is null)
        {
            return width is null ? config
                : throw new InvalidFlagException("--decoder-width", "needs --encoder-arch: it is the width a CNN encoder's channels are projected to (a video_vit encoder's width is the decoder's)");
        }
        var cnn = new CaptionCnnEncoderConfig { Architecture = architecture, Width = width ?? new CaptionCnnEncoderConfig().Width };
        try
        {
            cnn.Resolve();
        }
        catch (ArgumentException e)
        {
            throw new InvalidFlagException("--encoder-arch", e.Message, e);
        }
        return config with { Encoder = null, CnnEncoder = cnn };
    }
}
