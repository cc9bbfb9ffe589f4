using System.Text.Json.Nodes;
using OnnxVideo.Runtime;
using OnnxVideo.Testing;
using OnnxVideo.Text;

namespace OnnxVideo.Runtime.Tests.Captioning;

/// <summary>Videos and bad inputs: unreadable items are reported per item, broken folders and arguments are typed errors.</summary>
public sealed class CaptionerInputTests(CaptionerFixture fixture) : IClassFixture<CaptionerFixture>
{
    [Fact]
    public async Task VideosAreCaptionedAndAnUnreadableOneIsReportedWhileTheOthersGoOn()
    {
        var good = FfmpegTools.Synthesize(fixture.File("good.mp4"), "testsrc=size=48x32:rate=10", 1);
        var garbage = fixture.File("garbage.mp4");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 3000).Select(i => (byte)(i * 31 % 253)).ToArray());
        var results = await fixture.Captioner.CaptionAsync([good, garbage, good], new CaptionSearch { BeamWidth = 2 });
        Assert.Equal([good, garbage, good], results.Select(r => r.Input));
        Assert.Null(results[0].Error);
        Assert.NotEmpty(results[0].Tokens);
        Assert.Equal(fixture.Tokenizer.Decode(results[0].Tokens), results[0].Text);
        Assert.Equal(results[0].Tokens, results[2].Tokens);
        Assert.Contains("garbage.mp4", results[1].Error);
        Assert.Empty(results[1].Tokens);
        var memory = await fixture.Captioner.EncodeAsync(good);
        Assert.Equal(results[0].Tokens, fixture.Captioner.Caption([memory], new CaptionSearch { BeamWidth = 2 })[0].Tokens);
    }

    [Fact]
    public void AFolderWithoutCaptionerJsonIsATypedError()
    {
        var empty = Directory.CreateDirectory(fixture.File("empty-captioner")).FullName;
        var error = Assert.Throws<VideoModelException>(() => VideoCaptioner.Open(empty));
        Assert.Contains("captioner.json", error.Message);
    }

    [Fact]
    public void ATokenizerThatDoesNotMatchTheVocabularyIsATypedError()
    {
        var folder = CopyOfCaptioner("other-tokenizer");
        BpeTokenizer.Train(["x y"], 259).Save(Path.Combine(folder, "tokenizer.json"));
        var error = Assert.Throws<VideoModelException>(() => VideoCaptioner.Open(folder));
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains("vocabulary", error.Message);
    }

    [Fact]
    public void AManifestThatNamesAFileOutsideTheFolderIsRefused()
    {
        var folder = CopyOfCaptioner("escaping");
        var path = Path.Combine(folder, "captioner.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["decoderStepFile"] = "../decoder_step.onnx";
        File.WriteAllText(path, json.ToJsonString());
        var error = Assert.Throws<InvalidInputException>(() => VideoCaptioner.Open(folder));
        Assert.Equal(path, error.Input);
    }

    [Fact]
    public void BadArgumentsAreTypedErrors()
    {
        var clip = fixture.RandomClips(1, seed: 9)[0];
        Assert.Throws<InvalidInputException>(() => fixture.Captioner.Encode(new float[10]));
        Assert.Throws<InvalidInputException>(() => fixture.Captioner.Score(clip, [string.Concat(Enumerable.Repeat("zq ", 40))]));
        Assert.Throws<InvalidInputException>(() => fixture.Captioner.Caption([clip], new CaptionSearch { BeamWidth = 0 }));
        Assert.Throws<InvalidInputException>(() => fixture.Captioner.Caption([clip], new CaptionSearch { MaxLength = 0 }));
        Assert.Throws<InvalidInputException>(() => fixture.Captioner.Caption([clip], new CaptionSearch { LengthPenalty = float.NaN }));
    }

    private string CopyOfCaptioner(string name)
    {
        var folder = Directory.CreateDirectory(fixture.File(name)).FullName;
        foreach (var file in Directory.GetFiles(fixture.FolderPath))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }
}
