using System.CommandLine;
using OnnxVideo.CommandLine;
using OnnxVideo.Text;

namespace OnnxVideo.Cli.Commands;

/// <summary>
/// <c>onnxvideo dataset tokenizer</c>: trains the byte-level BPE tokenizer of a captioner on the captions of a split
/// and prints its vocabulary size (what <c>onnxvideo-export create --arch video_caption --vocab</c> takes).
/// </summary>
internal static class TokenizerCommand
{
    public static Command Create()
    {
        var captions = new Option<string>("--captions") { Description = "Caption split folder (holding captions.jsonl) whose captions train the tokenizer", Required = true };
        var vocabulary = CommonOptions.AtLeast(new Option<int>("--vocab")
        {
            Description = $"Largest vocabulary (specials and the 256 bytes included; fewer when no pair repeats), default 400",
            DefaultValueFactory = _ => 400,
        }, BpeTokenizer.Eos + 257);
        var output = new Option<string>("--out") { Description = "The tokenizer.json to write", Required = true };
        var command = new Command("tokenizer", "Train a captioner's byte-level BPE tokenizer on a caption split");
        command.Options.Add(captions);
        command.Options.Add(vocabulary);
        command.Options.Add(output);
        command.SetHandler((parse, _) =>
        {
            var clips = CaptionDataset.Load(parse.GetValue(captions)!);
            var tokenizer = FlagValues.Check(() => BpeTokenizer.Train(clips.SelectMany(c => c.Captions), parse.GetValue(vocabulary)));
            var path = parse.GetValue(output)!;
            tokenizer.Save(path);
            var longest = clips.SelectMany(c => c.Captions).Max(c => tokenizer.Encode(c).Length);
            Console.WriteLine($"wrote {path}: vocabulary {tokenizer.VocabularySize} (use --vocab {tokenizer.VocabularySize}), "
                + $"{clips.Sum(c => c.Captions.Count)} captions, the longest {longest} tokens");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
