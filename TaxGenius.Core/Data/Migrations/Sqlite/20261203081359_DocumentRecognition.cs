using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DocumentRecognition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DocumentRecognitions",
                columns: table => new
                {
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Confidence = table.Column<double>(type: "REAL", nullable: false),
                    TaxYear = table.Column<int>(type: "INTEGER", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    NeedsCheck = table.Column<bool>(type: "INTEGER", nullable: false),
                    TextCipher = table.Column<string>(type: "TEXT", nullable: true),
                    FieldsCipher = table.Column<string>(type: "TEXT", nullable: true),
                    CorrectionsCipher = table.Column<string>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SuggestionDismissedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FulfilledRequestItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DocumentRecognitions", x => x.DocumentId);
                    table.ForeignKey(
                        name: "FK_DocumentRecognitions_Documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "Documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DocumentRecognitions_NeedsCheck",
                table: "DocumentRecognitions",
                column: "DocumentId",
                filter: "\"NeedsCheck\"");

            migrationBuilder.CreateIndex(
                name: "IX_DocumentRecognitions_Status_CreatedAt",
                table: "DocumentRecognitions",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DocumentRecognitions");
        }
    }
}
