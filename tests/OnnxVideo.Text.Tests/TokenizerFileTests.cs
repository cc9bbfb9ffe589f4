namespace OnnxVideo.Text.Tests;

public sealed class TokenizerFileTests
{
    private static BpeTokenizer Trained() => BpeTokenizer.Train(
        ["a red square moves left then a blue circle grows", "a green triangle shrinks then a red circle moves up"], 320);

    [Fact]
    public void SavedTokenizerLoadsWithTheSameMergesAndEncoding()
    {
        using var dir = new TempDirectory();
        var tokenizer = Trained();
        var path = dir.File("tokenizer.json");
        tokenizer.Save(path);

        var loaded = BpeTokenizer.Load(path);

        Assert.Equal(tokenizer.VocabularySize, loaded.VocabularySize);
        Assert.Equal(tokenizer.Merges, loaded.Merges);
        Assert.Equal(tokenizer.Encode("a blue triangle grows"), loaded.Encode("a blue triangle grows"));
        Assert.Contains("\"format\":\"onnxvideo.bpe-tokenizer/1\"", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "not json at all", "not valid JSON" },
        { "[1, 2]", "not a JSON object" },
        { """{"format": "other/2", "merges": []}""", "format \"other/2\"" },
        { """{"merges": []}""", "no \"format\"" },
        { """{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": 259, "pad": 1, "bos": 1, "eos": 2, "firstByte": 3, "merges": []}""", "\"pad\" must be 0" },
        { """{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": 259, "pad": 0, "bos": 1, "eos": 2, "firstByte": 3}""", "no \"merges\"" },
        { """{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": 300, "pad": 0, "bos": 1, "eos": 2, "firstByte": 3, "merges": [[100, 101]]}""", "\"vocabularySize\" is 300" },
        { """{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": 260, "pad": 0, "bos": 1, "eos": 2, "firstByte": 3, "merges": [[100, 259]]}""", "must join two ids in 3..258" },
        { """{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": 260, "pad": 0, "bos": 1, "eos": 2, "firstByte": 3, "merges": [[2, 100]]}""", "must join two ids" },
        { """{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": 261, "pad": 0, "bos": 1, "eos": 2, "firstByte": 3, "merges": [[100, 101], [100, 101]]}""", "repeats an earlier merge" },
        { """{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": 260, "pad": 0, "bos": 1, "eos": 2, "firstByte": 3, "merges": [[100, "x"]]}""", "not a pair of integer ids" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void MalformedFilesAreTypedErrorsNamingTheFile(string content, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Touch("tokenizer.json", content);

        var error = Assert.Throws<TokenizerFileException>(() => BpeTokenizer.Load(path));

        Assert.Equal(path, error.Input);
        Assert.Contains(expected, error.Problem);
    }

    [Fact]
    public void AFileThatIsNotUtf8IsATypedError()
    {
        using var dir = new TempDirectory();
        var path = dir.File("tokenizer.json");
        File.WriteAllBytes(path, [.. "{\"format\": \"onnxvideo.bpe-tokenizer/"u8, 0xFF, .. "\"}"u8]);

        Assert.Contains("not UTF-8", Assert.Throws<TokenizerFileException>(() => BpeTokenizer.Load(path)).Problem);
    }

    [Fact]
    public void ATruncatedFileIsATypedError()
    {
        using var dir = new TempDirectory();
        var path = dir.File("tokenizer.json");
        Trained().Save(path);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length * 2 / 3)]);

        var error = Assert.Throws<TokenizerFileException>(() => BpeTokenizer.Load(path));

        Assert.Equal(path, error.Input);
        Assert.Contains("not valid JSON", error.Problem);
    }

    [Fact]
    public void OversizedFilesAndTooManyMergesAreRefused()
    {
        using var dir = new TempDirectory();
        var huge = dir.File("huge.json");
        using (var stream = File.Create(huge))
        {
            stream.SetLength(TokenizerFile.MaxBytes + 1);
        }
        Assert.Contains("above the limit", Assert.Throws<TokenizerFileException>(() => BpeTokenizer.Load(huge)).Problem);

        // Each merge joins two bytes: valid ids, but one more merge than the largest vocabulary allows.
        var count = BpeTokenizer.MaxVocabularySize - BpeTokenizer.FirstMerge + 1;
        var merges = string.Join(",", Enumerable.Range(0, count).Select(i => $"[{3 + i / 256},{3 + i % 256}]"));
        var many = dir.Touch("many.json",
            $$"""{"format": "onnxvideo.bpe-tokenizer/1", "vocabularySize": {{BpeTokenizer.FirstMerge + count}}, "pad": 0, "bos": 1, "eos": 2, "firstByte": 3, "merges": [{{merges}}]}""");
        Assert.Contains("above the limit of 32768", Assert.Throws<TokenizerFileException>(() => BpeTokenizer.Load(many)).Problem);
    }

    [Fact]
    public void MissingAndEmptyFilesNameThePath()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("nope.json");
        Assert.Equal(missing, Assert.Throws<UserFileException>(() => BpeTokenizer.Load(missing)).Input);

        var empty = dir.Touch("empty.json");
        Assert.Contains("empty", Assert.Throws<TokenizerFileException>(() => BpeTokenizer.Load(empty)).Problem);

        var fifo = dir.File("fifo.json");
        PackageFifos.Make(fifo);
        Assert.Contains("not a regular file", Assert.Throws<TokenizerFileException>(() => BpeTokenizer.Load(fifo)).Problem);
    }
}
